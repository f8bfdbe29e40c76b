"""The forwarding service on a free loopback port, a shop with a domain, and a customer."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from clientela.customers.models import Customer
from clientela.customers.services import customer_create
from clientela.forwarding.inbound import service_routes
from clientela.forwarding.models import Alias
from clientela.mail.inbound.routes import InboundHandler
from clientela.mail.inbound.server import InboundController
from clientela.mail.send import outbox_send_batch
from clientela.mail.smtp import Relay
from tests.forwarding.objects import DOMAIN, alias_for, forwarding_domain
from tests.mail.conftest import sink  # noqa: F401  (the recording relay, as a fixture here)
from tests.mail.sink import free_port


@dataclass
class Service:
    port: int

    def smtp(self) -> smtplib.SMTP:
        client = smtplib.SMTP("127.0.0.1", self.port, timeout=10)
        client.ehlo("client.example")
        return client

    def raw(self, lines: list[bytes], data: bytes, *, timeout: float = 3.0) -> list[bytes]:
        """Send SMTP commands and then `data` exactly as given over a plain socket;
        return every reply line the server sent after the DATA's 354."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as conn:
            reader = conn.makefile("rb")
            reader.readline()  # greeting
            for line in lines:
                conn.sendall(line + b"\r\n")
                reply = reader.readline()
                while reply[3:4] == b"-":
                    reply = reader.readline()
                assert reply[:1] in (b"2", b"3"), reply
            conn.sendall(data)
            conn.sendall(b"QUIT\r\n")
            replies = []
            while True:
                reply = reader.readline()
                if not reply:
                    break
                replies.append(reply.rstrip(b"\r\n"))
                if reply.startswith(b"221"):
                    break
            return replies


@pytest.fixture
def service(sink: Any) -> Iterator[Service]:  # noqa: F811
    port = free_port()
    controller = InboundController(
        InboundHandler(service_routes()), hostname="127.0.0.1", port=port
    )
    controller.start()
    try:
        yield Service(port)
    finally:
        controller.stop()


@pytest.fixture
def ana(cast: Any) -> Customer:
    return customer_create(
        workspace=cast.shop,
        actor=None,
        email="ana@inbox.example",
        first_name="Ana",
        last_name="Pop",
    )


@pytest.fixture
def alias(ana: Customer) -> Alias:
    forwarding_domain(ana.workspace)
    return alias_for(ana, local_part="ana")


def send_all() -> int:
    relay = Relay.from_settings()
    try:
        return outbox_send_batch(relay=relay, worker_id="test", limit=100).sent
    finally:
        relay.close()


ALIAS = f"ana@{DOMAIN}"
