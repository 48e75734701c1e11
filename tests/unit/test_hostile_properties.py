"""Properties over arbitrary input (hypothesis): any JSON given to any queue's validation is
accepted or refused with InvalidMessage, never a crash; any name in any output format leaves it
inert and readable. Example counts stay small for CI's time."""

from __future__ import annotations

import json
import re

import networkx as nx
import pydot
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery.exceptions import InvalidMessage
from discovery.pgmq.decoding import Bounds, decode
from discovery.pgmq.messages import MODELS, validate
from tests.support.hostile_outputs import csv_cells, graph_files, terminal_output, text_log_line

FIELDS = sorted({name for model in MODELS.values() for name in model.model_fields})
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5),
    max_leaves=20,
)
# Objects keyed by the models' own fields, so validation gets past "not an object" and meets the
# fields' own checks; and values nested past any bound.
messages = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6) | json_values
deep = st.integers(min_value=1, max_value=5000).map(lambda depth: "[" * depth + "]" * depth)
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("queue", sorted(MODELS))
@settings(max_examples=40, deadline=None)
@given(payload=messages)
def test_any_json_is_accepted_or_refused_with_a_reason_by_every_queue(queue, payload):
    text = json.dumps(payload)
    decoded = decode(text, len(text.encode()), Bounds())
    if decoded.refused is not None:
        return
    try:
        validate(queue, decoded.value)
    except InvalidMessage as error:
        assert str(error)


@settings(max_examples=40, deadline=None)
@given(text=deep)
def test_any_nesting_is_decoded_or_refused_naming_the_bound_never_a_recursion_error(text):
    decoded = decode(text, len(text), Bounds())

    assert (decoded.refused is None) == (text.count("[") <= 32)
    if decoded.refused:
        assert "DISCOVERY_MAX_MESSAGE_DEPTH" in decoded.refused


names = st.text(min_size=1, max_size=40) | st.sampled_from(["=1+1", "[/bold]", "$x$", "\x1b[2J", "a\nb", "@x", "\u202e"])


@settings(max_examples=40, deadline=None)
@given(name=names)
def test_any_name_leaves_the_csv_exports_without_a_formula(name):
    assert not [cell for cell in csv_cells(name) if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@settings(max_examples=40, deadline=None)
@given(name=names)
def test_any_name_reaches_the_terminal_tables_without_markup_errors_or_control_characters(name):
    out = terminal_output(name, colour=False)

    assert not CONTROLS.search(out)


@settings(max_examples=40, deadline=None)
@given(name=names)
def test_any_name_is_one_text_log_line(name):
    assert "\n" not in text_log_line(name) and "\r" not in text_log_line(name)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_any_name_leaves_every_graph_format_readable(name, tmp_path):
    files = graph_files(name, tmp_path)

    assert files["svg"].read_text().startswith("<?xml")
    assert len(nx.read_graphml(files["graphml"])) == 2
    [dot] = pydot.graph_from_dot_file(str(files["dot"]))
    assert len([node for node in dot.get_nodes() if node.get_name() not in ("node", "edge", "graph")]) == 2
