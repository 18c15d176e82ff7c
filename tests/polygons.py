"""Point-in-polygon and distance to a polygon's edge, for the lasso tests (expected sets in Python)."""

from __future__ import annotations

import math


def inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    """Whether (x, y) lies inside the polygon (even-odd rule, as the front end decides)."""
    result = False
    for (xi, yi), (xj, yj) in zip(polygon, polygon[-1:] + polygon[:-1], strict=True):
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            result = not result
    return result


def edge_distance(x: float, y: float, polygon: list[tuple[float, float]]) -> float:
    """Distance from (x, y) to the nearest edge of the closed polygon."""
    best = math.inf
    for (ax, ay), (bx, by) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        dx, dy = bx - ax, by - ay
        t = min(max(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0.0), 1.0)
        best = min(best, math.hypot(x - ax - t * dx, y - ay - t * dy))
    return best
