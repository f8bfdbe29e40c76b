"""Inbound SMTP: one aiosmtpd server (`server`), a handler over a list of routes (`routes`),
the relay forms refused before any route is asked (`address`), and mail's own route for
bounces and unsubscribes (`bounces`). The forwarding service adds its routes above."""

from clientela.mail.inbound.bounces import BounceHandler, BounceRoute, _process

__all__ = ["BounceHandler", "BounceRoute", "_process"]
