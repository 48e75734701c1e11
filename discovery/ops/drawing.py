"""Writing a collaboration graph: GraphML and DOT through networkx, SVG drawn with matplotlib
(a spring layout; artists and producers in two colours, edge width by weight)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

ARTIST_COLOUR, PRODUCER_COLOUR = "#e07a5f", "#3d5a80"


def write_graph(graph: nx.Graph[str], out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(graph, out)
    elif suffix == ".dot":
        nx.nx_pydot.write_dot(graph, out)
    elif suffix == ".svg":
        _draw_svg(graph, out)
    else:
        raise ValueError(f"cannot write a graph as {suffix!r}")


def _draw_svg(graph: nx.Graph[str], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: draw to the file only
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(12, 9))
    positions = nx.spring_layout(graph, weight="weight", seed=7)
    colours = [ARTIST_COLOUR if graph.nodes[n].get("kind") == "artist" else PRODUCER_COLOUR for n in graph]
    weights = [float(graph.edges[e].get("weight", 1)) for e in graph.edges]
    heaviest = max(weights, default=1.0)
    nx.draw_networkx_edges(graph, positions, ax=axes, width=[0.5 + 3.5 * w / heaviest for w in weights], alpha=0.5)
    nx.draw_networkx_nodes(graph, positions, ax=axes, node_color=colours, node_size=300)
    nx.draw_networkx_labels(graph, positions, ax=axes, labels={n: graph.nodes[n].get("label", n) for n in graph},
                            font_size=8)
    axes.set_axis_off()
    figure.savefig(out, format="svg", bbox_inches="tight")
    plt.close(figure)
