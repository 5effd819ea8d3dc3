"""The TUI's API client over loopback: typed answers, ApiError bodies as ApiClientError, no answer as ApiUnreachable."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from flows.model import ResidentHit, ResidentSummary, SessionToken
from tests.tui.helpers import DeskApi
from tui.client import ApiClient, ApiClientError, ApiUnreachable


def test_answers_decode_into_flows_structs(desk_api: DeskApi) -> None:
    client = ApiClient(desk_api.base_url)
    try:
        session = client.login(desk_api.username, desk_api.password)
        assert isinstance(session, SessionToken)
        assert session.staff.display_name == desk_api.display_name
        assert client.whoami().username == desk_api.username
        hits = client.search_residents("zsf", limit=5)
        assert all(isinstance(h, ResidentHit) for h in hits)
        assert hits[0].name == "张三丰"
        summary = client.resident_summary(hits[0].id)
        assert isinstance(summary, ResidentSummary)
        assert summary.resident.name == "张三丰"
        client.logout()
        assert client.token is None
    finally:
        client.close()


def test_refusals_carry_the_api_error(desk_api: DeskApi) -> None:
    client = ApiClient(desk_api.base_url)
    try:
        with pytest.raises(ApiClientError) as wrong:
            client.login(desk_api.username, "nope")
        assert (wrong.value.code, wrong.value.status) == ("unauthorized", 401)
        with pytest.raises(ApiClientError) as anonymous:
            client.search_residents("zsf")
        assert anonymous.value.code == "unauthorized"
        client.login(desk_api.username, desk_api.password)
        with pytest.raises(ApiClientError) as missing:
            client.resident_summary(999_999)
        assert (missing.value.code, missing.value.status) == ("not_found", 404)
        assert "999999" in missing.value.message
    finally:
        client.close()


def test_no_answer_names_the_url(dead_url: str) -> None:
    client = ApiClient(dead_url)
    with pytest.raises(ApiUnreachable) as err:
        client.health()
    assert err.value.code == "unreachable"
    assert str(err.value).startswith(f"unreachable: cannot reach the API at {dead_url}: connection refused")


class _Proxy(http.server.BaseHTTPRequestHandler):
    """Something between the desk and the API answering in HTML, as a captive proxy or a wrong port would."""

    def do_GET(self) -> None:
        body = b"<html>502 Bad Gateway</html>"
        self.send_response(502)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_that_is_not_an_api_error_says_what_arrived(proxy_url: str) -> None:
    client = ApiClient(proxy_url)
    try:
        with pytest.raises(ApiClientError) as err:
            client.health()
    finally:
        client.close()
    assert err.value.code == "http_502"
    assert err.value.status == 502
    assert "502 Bad Gateway" in err.value.message
    assert "/api/v1/health" in err.value.message
