"""How the Bureau scores a department's 归集, 共享 and 开放 (Art. 6's 评价机制), as plain Python.

The regulation asks for an evaluation mechanism and names no criteria or weights: the criteria
below and their weights (``ckanext.dongchang.evaluation_weights``) are the site's policy. Each
criterion turns figures that ``oversight/evaluation.py`` already counts into a fraction 0–1;
a criterion with nothing to judge in the period (no request received, no catalog change) is
left out and the others share its weight, so a department is not rewarded or punished for
what did not happen.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ckanext.dongchang.kernel.messages import N_, Message

#: Criterion names, in the order pages and reports show them.
CRITERIA = ("catalog_completeness", "catalog_timeliness", "response_timeliness",
            "share_open_ratio", "freshness", "products", "use")


class WeightsError(ValueError):
    """The configured weights cannot be read; the message names the bad item."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message) % message.params)
        self.message = message


def _fraction(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def criterion_fractions(figures: Mapping[str, Any]) -> dict[str, float | None]:
    """Each criterion's fraction (0 worst, 1 best), or None when it has no basis."""
    entries = figures.get("entries") or 0
    published = figures.get("published") or 0
    shared = (figures.get("share_unconditional") or 0) + (figures.get("share_conditional") or 0)
    opened = (figures.get("open_unconditional") or 0) + (figures.get("open_conditional") or 0)
    on_time = figures.get("catalog_updates_on_time") or 0
    late = figures.get("catalog_updates_overdue") or 0
    received = figures.get("requests_received") or 0
    applicable = figures.get("freshness_applicable") or 0
    timeliness = _fraction(on_time, on_time + late)
    late_responses = _fraction(figures.get("overdue_responses") or 0, received)
    stale = _fraction(figures.get("freshness_overdue") or 0, applicable)
    return {
        # 归集: an empty catalog is the worst case, not a missing one.
        "catalog_completeness": _fraction(published, entries) if entries else 0.0,
        "catalog_timeliness": timeliness,
        "response_timeliness": None if late_responses is None else 1 - late_responses,
        # 共享 and 开放 weigh alike: sharing is the rule (Art. 19), opening the aim (Art. 21).
        "share_open_ratio": (shared / entries + opened / entries) / 2 if entries else None,
        "freshness": None if stale is None else 1 - stale,
        "products": _fraction(figures.get("entries_with_products") or 0, published),
        # Art. 25 ¶4: data in use, from the access log (deliveries of gated data)
        "use": _fraction(figures.get("entries_delivered") or 0, published),
    }


def score(figures: Mapping[str, Any], weights: Mapping[str, float]) -> dict[str, Any]:
    """``{"value": 0–100 or None, "parts": {criterion: {...}}, "weights": {...}}``.

    Each part carries its fraction, its configured weight, whether it applied, and the points
    it contributes; the points of the parts add up to the value.
    """
    fractions = criterion_fractions(figures)
    used = sum(weights.get(name, 0) for name in CRITERIA if fractions[name] is not None)
    parts: dict[str, dict[str, Any]] = {}
    for name in CRITERIA:
        fraction, weight = fractions[name], weights.get(name, 0)
        applicable = fraction is not None
        parts[name] = {
            "fraction": None if fraction is None else round(fraction, 4),
            "weight": weight, "applicable": applicable,
            "points": round(100 * weight * fraction / used, 2)
            if applicable and used else None,
        }
    value = round(100 * sum(weights.get(n, 0) * fractions[n] for n in CRITERIA
                            if fractions[n] is not None) / used, 2) if used else None
    return {"value": value, "parts": parts, "weights": {n: weights.get(n, 0) for n in CRITERIA}}


def parse_weights(items: Iterable[str]) -> dict[str, float]:
    """Read ``criterion:weight`` items; criteria not named weigh 0. At least one must weigh."""
    weights = dict.fromkeys(CRITERIA, 0.0)
    for item in items:
        name, _, number = item.partition(":")
        if name not in CRITERIA:
            raise WeightsError(Message(N_("Unknown evaluation criterion %(name)s; known: "
                                         "%(known)s."), name=name, known=", ".join(CRITERIA)))
        try:
            weight = float(number)
        except ValueError:
            weight = -1.0
        if not weight >= 0 or weight == float("inf"):
            raise WeightsError(Message(N_("The weight of %(name)s must be a number of 0 or "
                                          "more."), name=name))
        weights[name] = int(weight) if weight.is_integer() else weight
    if not any(weights.values()):
        raise WeightsError(Message(N_("At least one evaluation criterion must have a weight "
                                      "above 0.")))
    return weights
