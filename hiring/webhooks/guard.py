"""Where a webhook may go, and posting it there: the address is resolved once, every address it resolves to is
checked, and the connection is made to a checked address (the Host header and TLS's SNI and certificate check
keep the name), so that a name cannot resolve to a public address for the check and to a private one for the
request (DNS rebinding). No redirects are followed; the response's body is never read beyond a little.

Refused always: unspecified, multicast, link-local (cloud metadata lives there) and reserved addresses, and
anything but http and https. Refused unless the subscription allows private addresses (an admin's choice,
for an internal system): loopback, private ranges (RFC 1918, fc00::/7), shared address space (100.64/10) and
every other address that is not global.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

USER_AGENT = "values-fit-hiring-webhooks/1"
READ_AT_MOST = 4096  # of the answer's body: read only so that the connection ends cleanly


class Refused(Exception):
    """Not posted: a short code for the delivery's log ("refused_private", "dns", ...)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked address: the URL's parts and the IP addresses its host resolved to, all allowed."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def split(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL without user or password; Refused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("bad_url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("bad_scheme")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise Refused("bad_url")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def refusal(address: str, allow_private: bool) -> str | None:
    """Why an IP address is refused (a code), or None when a webhook may go there."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") says nothing here
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:  # before "reserved": ::1 is in IPv6's reserved ::/8
        return None if allow_private else "refused_private"
    if ip.is_unspecified or ip.is_multicast or ip.is_link_local or ip.is_reserved:
        return "refused_address"
    if ip.is_private or not ip.is_global:
        return None if allow_private else "refused_private"
    return None


def resolve(host: str, port: int) -> tuple[str, ...]:
    """The IP addresses of a host name (or the literal address), in the resolver's order; Refused("dns")."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused("dns") from None
    found = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not found:
        raise Refused("dns")
    return found


def check(url: str, *, allow_private: bool) -> Target:
    """The URL's target when it is http(s) and every address its host resolves to is allowed; Refused with
    the first refusal's code otherwise."""
    scheme, host, port, path = split(url)
    addresses = resolve(host, port)
    for address in addresses:
        code = refusal(address, allow_private)
        if code:
            raise Refused(code)
    return Target(scheme, host, port, path, addresses)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to `address`, speaking to `host` (the Host header)."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to `address`, with SNI and the certificate checked for `host`."""

    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float,
         context: ssl.SSLContext | None = None) -> int:
    """POST the body to the first of the target's addresses that answers; the HTTP status. Refused with a
    code when none could be reached."""
    code = "connection"
    for address in target.addresses:
        if target.scheme == "https":
            connection = _PinnedHTTPS(target.host, target.port, address, timeout,
                                      context or ssl.create_default_context())
        else:
            connection = _PinnedHTTP(target.host, target.port, address, timeout)
        try:
            connection.request("POST", target.path, body=body, headers={
                "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
            response = connection.getresponse()
            response.read(READ_AT_MOST)
            return response.status
        except ssl.SSLError:
            code = "tls"
        except TimeoutError:
            code = "timeout"
        except (OSError, http.client.HTTPException):
            code = "connection"
        finally:
            connection.close()
    raise Refused(code)
