"""Web routes. Each app keeps its own URLconf in `clientela.web.<app>.urls`.

Workspace pages live under `/w/<slug:ws>/`; their views take `ws` and are wrapped in
`clientela.web.access.workspace_view`. The site's own pages (signing in and out, the
language) are listed here.
"""

from django.urls import include, path

from clientela.web import errors
from clientela.web.accounts import invitations, passwords
from clientela.web.accounts import views as accounts
from clientela.web.mail import branding

app_name = "web"

workspace_patterns = [
    path("", include("clientela.web.dashboard.urls")),
    path("", include("clientela.web.customers.urls")),
    path("", include("clientela.web.commerce.urls")),
    path("", include("clientela.web.imports.urls")),
    path("", include("clientela.web.outreach.urls")),
    path("", include("clientela.web.mail.urls")),
    path("", include("clientela.web.retention.urls")),
    path("", include("clientela.web.inbox.urls")),
    path("", include("clientela.web.privacy.urls")),
    path("", include("clientela.web.care.urls")),
    path("", include("clientela.web.inbox.clock_urls")),
    path("", include("clientela.web.forwarding.urls")),
    path("", include("clientela.web.rewards.urls")),
    path("", include("clientela.web.accounts.urls")),
]

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("language/", accounts.language, name="language"),
    path("account/password/", passwords.password_change, name="password_change"),
    path("password-reset/", passwords.password_reset, name="password_reset"),
    path("password-reset/sent/", passwords.password_reset_sent, name="password_reset_sent"),
    path(
        "reset/<str:uidb64>/<str:token>/",
        passwords.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("invite/<str:token>/", invitations.invitation, name="invitation"),
    path("w/<slug:ws>/", include(workspace_patterns)),
    path("", include("clientela.web.outreach.public_urls")),
    path("", include("clientela.web.care.public_urls")),
    path("", include("clientela.web.inbox.public_urls")),
    # The shop's logo in its mail (`clientela.mail.layout.logo_url` builds this address).
    path("brand/<str:token>/logo.png", branding.brand_logo, name="brand_logo"),
    path("", include("clientela.web.forwarding.public_urls")),
    path("", include("clientela.web.rewards.public_urls")),
    path("health/", errors.health, name="health"),
]
