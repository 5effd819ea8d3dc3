"""The doctor's chart: the patient in one screen, in one request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.chart import Chart

if TYPE_CHECKING:
    from tui.client import ApiClient


def get_chart(client: ApiClient, resident_id: int) -> Chart:
    return client.call("GET", f"/api/v1/residents/{resident_id}/chart", Chart)
