from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceScoped


class Language(models.TextChoices):
    RO = "ro", _("Romanian")
    EN = "en", _("English")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: an owner, a manager or a staff agent. Identified by e-mail."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    def __str__(self) -> str:
        return self.name or self.email


class Workspace(models.Model):
    """One business: a shop or an agency. Every row of data belongs to exactly one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True, max_length=60)
    default_language = models.CharField(max_length=2, choices=Language.choices, default=Language.RO)
    currency = models.CharField(max_length=3, default="RON")
    time_zone = models.CharField(max_length=64, default="Europe/Bucharest")
    created_at = models.DateTimeField(default=timezone.now)
    # The first-run checklist: when the owner last saved the shop's details, and when someone
    # put the checklist away (it stays away; its items keep being read from the real state).
    details_saved_at = models.DateTimeField(null=True, blank=True)
    checklist_dismissed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    AGENT = "agent", _("Agent")
    VIEWER = "viewer", _("Viewer")


# A higher rank can do all that a lower one can.
ROLE_RANK = {Role.VIEWER: 0, Role.AGENT: 1, Role.MANAGER: 2, Role.OWNER: 3}


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique")
        ]

    def has_role(self, minimum: Role | str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(minimum)]


class LoginAttempt(models.Model):
    """Every password check, kept so that lockout counts failures per account, not per IP."""

    email = models.CharField(max_length=254, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    succeeded = models.BooleanField()
    # Refused because the account was already locked: kept for the audit, not counted, so
    # that someone hammering a locked account cannot keep its owner out for ever.
    while_locked = models.BooleanField(default=False)
    ip = models.GenericIPAddressField(null=True, blank=True)


class ApiToken(models.Model):
    """A bearer token for the REST API, bound to one membership. Only a hash is stored."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invitation(WorkspaceScoped):
    """An e-mail address invited into a workspace with a role. The link's secret is mailed
    once and only its SHA-256 is kept, so the table alone admits nobody. Single use:
    `accepted_at` is set by a conditional UPDATE; a resend replaces the secret."""

    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=10, choices=Role.choices)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "email"], name="invitation_ws_email")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PasswordResetRequest(models.Model):
    """Every password-reset request, for its rate limits per address and per IP. The address
    is kept only as a SHA-256: whoever types an address leaves no readable trace of it."""

    email_digest = models.CharField(max_length=64, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
