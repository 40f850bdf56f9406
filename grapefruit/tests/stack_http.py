"""HTTP to the production stack (grapefruit/tests/stack.py) as the TLS-terminating proxy in front of gunicorn
forwards it: the public host name, X-Forwarded-Proto: https, cookies and CSRF tokens kept like a browser's."""

from __future__ import annotations

import http.client
import re
import secrets
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any

PUBLIC_HOST = "grapefruit.test"


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def multipart(fields: Iterable[tuple[str, str | Upload]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields:
        if isinstance(value, Upload):
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="{value.filename}"\r\n'
                f"Content-Type: {value.content_type}\r\n\r\n"
            )
            parts.append(f"--{boundary}\r\n{head}".encode() + value.content + b"\r\n")
        else:
            head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"--{boundary}\r\n{head}{value}\r\n".encode())
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class StackClient:
    """A browser behind the TLS proxy: Host is the public name, X-Forwarded-Proto https, cookies and CSRF kept."""

    def __init__(self, *, port: int, host: str = PUBLIC_HOST, timeout: float = 60) -> None:
        self.port, self.host, self.timeout = port, host, timeout
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        follow: bool = True,
    ) -> Response:
        for _ in range(10):
            response = self._send(method, path, body, headers or {})
            location = response.headers.get("Location")
            if not (follow and location and response.status in (301, 302, 303)):
                return response
            path = self._local_path(location)
            method, body, headers = "GET", None, None
        raise AssertionError(f"too many redirects from {path}")

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(
        self, path: str, fields: Iterable[tuple[str, str | Upload]] | dict[str, str], **kwargs: Any
    ) -> Response:
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if "csrfmiddlewaretoken" not in dict(items):
            items.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        body, content_type = multipart(items)
        headers = {
            "Content-Type": content_type,
            "Origin": f"https://{self.host}",
            **kwargs.pop("headers", {}),
        }
        return self.request("POST", path, body=body, headers=headers, **kwargs)

    def login(self, username: str, password: str) -> Response:
        form = HtmlForms.parse(self.get("/accounts/login/").text).first()
        response = self.post(
            "/accounts/login/", {**form, "username": username, "password": password}, follow=False
        )
        assert response.status == 302, f"sign-in answered {response.status}"
        return response

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            all_headers = {"Host": self.host, "X-Forwarded-Proto": "https", **headers}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=all_headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read(), path)
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def _local_path(self, location: str) -> str:
        parts = urllib.parse.urlsplit(location)
        if parts.netloc and parts.netloc != self.host:
            raise AssertionError(f"redirected off the site, to {location}")
        return urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))


class HtmlForms(HTMLParser):
    """The fields a browser would submit from each <form> of a page (checked boxes, selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.actions: list[str] = []
        self._select: str | None = None
        self._select_first = False
        self._textarea: str | None = None

    @classmethod
    def parse(cls, html: str) -> HtmlForms:
        parser = cls()
        parser.feed(html)
        return parser

    def first(self, action: str | None = None) -> dict[str, str]:
        for form, form_action in zip(self.forms, self.actions, strict=True):
            if action is None or form_action == action:
                return dict(form)
        raise AssertionError(f"no form with action {action!r} on the page (actions: {self.actions})")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({})
            self.actions.append(a.get("action", ""))
        elif tag == "option" and self.forms and self._select:
            # The selected option, or else the first one, as a browser submits.
            if "selected" in a or self._select_first:
                self.forms[-1][self._select] = a.get("value", "")
            self._select_first = False
        elif not self.forms or "name" not in a:
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.forms[-1][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select, self._select_first = a["name"], True
            self.forms[-1][a["name"]] = ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1][a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data


def status_attribute(html: str) -> str | None:
    """The data-status of a receipt's status fragment (what the page's htmx polling reads)."""
    match = re.search(r'data-status="([a-z_]+)"', html)
    return match[1] if match else None
