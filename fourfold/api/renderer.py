"""JSON out, never NaN or Infinity: a value too large to be a number is sent as null."""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


def finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


class FiniteJSONRenderer(JSONRenderer):
    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        try:
            return json.dumps(data, cls=NinjaJSONEncoder, allow_nan=False)
        except ValueError:
            # A sum of huge values can overflow to infinity; it is no number a client can read.
            return json.dumps(finite(data), cls=NinjaJSONEncoder, allow_nan=False)
