"""Writing a collaboration graph: GraphML and DOT through networkx, SVG drawn with matplotlib
(a spring layout; artists and producers in two colours, edge width by weight). Names come from
outside: each format gets them escaped for it (discovery/escaping)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from discovery.escaping import dot_text, graph_text, svg_label

ARTIST_COLOUR, PRODUCER_COLOUR = "#e07a5f", "#3d5a80"


def write_graph(graph: nx.Graph[str], out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(_inert(graph, graph_text), out)
    elif suffix == ".dot":
        nx.nx_pydot.write_dot(_inert(graph, dot_text), out)
    elif suffix == ".svg":
        _draw_svg(graph, out)
    else:
        raise ValueError(f"cannot write a graph as {suffix!r}")


def _inert(graph: nx.Graph[str], escape: Callable[[str], str]) -> nx.Graph[str]:
    """A copy whose node ids and text attributes are escaped for the format."""

    def clean(value: Any) -> Any:
        return escape(value) if isinstance(value, str) else value

    copy = nx.relabel_nodes(graph, {node: clean(node) for node in graph}, copy=True)
    for _, attributes in copy.nodes(data=True):
        attributes.update({key: clean(value) for key, value in attributes.items()})
    return copy


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
    nx.draw_networkx_labels(graph, positions, ax=axes, labels={n: svg_label(str(graph.nodes[n].get("label", n))) for n in graph},
                            font_size=8)
    axes.set_axis_off()
    figure.savefig(out, format="svg", bbox_inches="tight")
    plt.close(figure)
