"""The chaos soak: a generated catalog through beat and all five pools while faults are injected
(runner), its plan and result (plan), when each fault is injected and whether it took effect
(faults), and the poison messages it sends (poison)."""

from discovery.proving.soak.plan import SoakPlan, SoakResult
from discovery.proving.soak.runner import as_json, describe, run, wait_until_drained

__all__ = ["SoakPlan", "SoakResult", "as_json", "describe", "run", "wait_until_drained"]
