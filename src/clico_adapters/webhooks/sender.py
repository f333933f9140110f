"""One HTTP POST of a delivery with httpx: timeouts, no redirects, the address checked."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import httpx

from clico_core.webhooks import is_private_address, is_private_host

Resolver = Callable[[str, int], list[str]]


class RefusedAddress(Exception):
    """The endpoint's host is (or resolves to) a private or loopback address."""


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to, as the connection would find them."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port,
                                                             type=socket.SOCK_STREAM)]


class HttpxSender:
    """POSTs a body; answers the response's status code (its body is never read).

    Unless ``allow_private``, the host is resolved just before the request and refused when
    any of its addresses is not globally routable, so an endpoint registered with a public
    name cannot be pointed at the portal's own network later (docs/security.md). Redirects
    are not followed: a 3xx is an answer that is not a success.
    """

    def __init__(self, *, allow_private: bool = False, timeout: float = 10.0,
                 connect_timeout: float = 5.0, resolver: Resolver = resolve) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=connect_timeout), follow_redirects=False,
            trust_env=False,  # no proxy from the environment decides where a webhook goes
            headers={"User-Agent": "CLICO-Webhooks/1"})

    def check_address(self, url: str) -> None:
        if self.allow_private:
            return
        parts = urlsplit(url)
        host = parts.hostname or ""
        if is_private_host(host):
            raise RefusedAddress(f"{host} is a private or loopback address")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = self.resolver(host, port)
        except OSError as error:
            raise RefusedAddress(f"{host} does not resolve: {error}") from None
        for address in addresses:
            if is_private_address(ipaddress.ip_address(address.split("%")[0])):
                raise RefusedAddress(f"{host} resolves to a private address ({address})")

    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """The response's status; ``RefusedAddress`` or an ``httpx.HTTPError`` otherwise."""
        self.check_address(url)
        with self.client.stream("POST", url, content=body, headers=dict(headers)) as response:
            return response.status_code

    def close(self) -> None:
        self.client.close()
