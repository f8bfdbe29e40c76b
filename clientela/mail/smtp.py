"""One SMTP connection per worker, reused across messages and batches until it breaks."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field

from django.conf import settings

from clientela.mail.message import Envelope


@dataclass
class Relay:
    host: str
    port: int
    timeout: float = 30.0
    use_tls: bool = False
    user: str = ""
    password: str = field(default="", repr=False)
    _smtp: smtplib.SMTP | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls) -> Relay:
        return cls(
            host=settings.EMAIL_HOST,
            port=settings.EMAIL_PORT,
            timeout=float(settings.EMAIL_TIMEOUT or 30),
            use_tls=settings.EMAIL_USE_TLS,
            user=settings.EMAIL_HOST_USER,
            password=settings.EMAIL_HOST_PASSWORD,
        )

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        smtp.ehlo()
        if self.use_tls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if self.user:
            smtp.login(self.user, self.password)
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _transaction(self, smtp: smtplib.SMTP, envelope: Envelope) -> tuple[int, str]:
        for code, reply in (
            smtp.mail(envelope.sender),
            smtp.rcpt(envelope.recipient),
        ):
            if code not in (250, 251):
                smtp.rset()
                return code, reply.decode(errors="replace")
        code, reply = smtp.data(envelope.data)
        return code, reply.decode(errors="replace")

    def deliver(self, envelope: Envelope) -> tuple[int | None, str]:
        """Hand one message to the relay: (code, reply), or (None, error) if the link failed."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
        except (smtplib.SMTPException, OSError) as exc:
            # Even a refused login is the install's problem, not the recipient's: retry.
            self.close()
            return None, f"{type(exc).__name__}: {exc}"
        try:
            code, reply = self._transaction(self._smtp, envelope)
        except smtplib.SMTPResponseException as exc:
            self.close()
            error = exc.smtp_error
            return exc.smtp_code, error.decode(errors="replace") if isinstance(
                error, bytes
            ) else error
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            return None, f"{type(exc).__name__}: {exc}"
        if code == 421:  # the server is closing this connection
            self.close()
        return code, reply
