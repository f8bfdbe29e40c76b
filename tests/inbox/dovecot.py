"""A real Dovecot IMAP server on a free loopback port, started for a test and stopped after it.

Config, password file, maildir and runtime sockets live in one fresh directory of mode 0755
under the system's temporary folder rather than pytest's tmp_path: Dovecot's UNIX sockets
must fit in 108 bytes, and when the tests run as root Dovecot's login processes run as its
unprivileged `dovenull` user (they refuse root) and mail may not be owned by UID 0, so the
mailbox belongs to the package's `dovecot` user and every path must be reachable by them.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.mail.sink import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "shop", "s3cret-imap"


@dataclass
class Dovecot:
    port: int
    folder: Path

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, *messages: bytes) -> None:
        client = self.client()
        try:
            for raw in messages:
                client.append("INBOX", None, None, raw)
        finally:
            client.logout()


def _users() -> tuple[str, str, int, int]:
    """(login user, internal user, mail uid, mail gid) for the current user."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    mail = pwd.getpwnam("dovecot")
    return "dovenull", "dovecot", mail.pw_uid, mail.pw_gid


@contextmanager
def dovecot() -> Iterator[Dovecot]:
    folder = Path(tempfile.mkdtemp(prefix="dvc"))
    folder.chmod(0o755)
    login, internal, uid, gid = _users()
    mail = folder / "mail"
    mail.mkdir()
    os.chown(mail, uid, gid)
    port = free_port()
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}/{USER}::\n")
    (folder / "dovecot.conf").write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
mail_location = maildir:{mail}/%u
first_valid_uid = {uid}
first_valid_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = {folder}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        server = Dovecot(port, folder)
        _wait(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _wait(server: Dovecot, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "dovecot died")
        try:
            server.client().logout()
            return
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.1)
    log = server.folder / "dovecot.log"
    raise RuntimeError(log.read_text() if log.exists() else "dovecot did not answer")
