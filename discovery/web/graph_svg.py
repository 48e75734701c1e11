"""The collaboration graph inline on a producer's page: catalog/graph's nodes and edges (the
producer at the centre, an edge to each artist and each collaborator) placed by networkx's shell
layout, the producer in the middle and the others around, and handed to the page's template as
coordinates, so every label is escaped like the rest of the page and each node links to its
page. Drawing with matplotlib, as `discovery graph` does, costs hundreds of milliseconds a page
(and a spring layout tens under load); a shell costs well under one."""

from __future__ import annotations

from typing import Any

import networkx as nx

from discovery.ops.drawing import ARTIST_COLOUR, PRODUCER_COLOUR

WIDTH, HEIGHT, MARGIN = 720, 420, 70
# A graph of a few nodes needs less height than one of dozens.
SMALL_NODES, SMALL_HEIGHT = 4, 200


def layout(graph: nx.Graph[str]) -> dict[str, Any]:
    """{"width", "height", "nodes": [{x, y, label, colour, href, centre}], "edges": [{x1, y1, x2, y2, width}]}."""
    if graph.number_of_nodes() == 0:
        return {"width": WIDTH, "height": HEIGHT, "nodes": [], "edges": []}
    height = SMALL_HEIGHT if graph.number_of_nodes() <= SMALL_NODES else HEIGHT
    centre, *others = list(graph)
    positions = nx.shell_layout(graph, nlist=[[centre], others] if others else [[centre]])
    xs = [float(x) for x, _ in positions.values()]
    ys = [float(y) for _, y in positions.values()]

    def place(node: Any) -> tuple[float, float]:
        x, y = positions[node]
        span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        return (MARGIN + (float(x) - min(xs)) / span_x * (WIDTH - 2 * MARGIN),
                MARGIN / 2 + (float(y) - min(ys)) / span_y * (height - MARGIN))

    weights = [float(graph.edges[edge].get("weight", 1)) for edge in graph.edges]
    heaviest = max(weights, default=1.0) or 1.0
    edges = []
    for (first, second), weight in zip(graph.edges, weights, strict=True):
        (x1, y1), (x2, y2) = place(first), place(second)
        edges.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "width": 0.5 + 3.5 * weight / heaviest})
    nodes = []
    for index, node in enumerate(graph):
        x, y = place(node)
        kind = graph.nodes[node].get("kind")
        nodes.append({
            "x": x, "y": y, "label": str(graph.nodes[node].get("label", node)),
            "colour": ARTIST_COLOUR if kind == "artist" else PRODUCER_COLOUR,
            "href": _href(str(node)), "centre": index == 0,
        })
    return {"width": WIDTH, "height": height, "nodes": nodes, "edges": edges}


def _href(node: str) -> str:
    kind, _, ref = node.partition("_")
    return f"/artists/{ref}" if kind == "artist" else f"/producers/{ref}"
