"""Outreach pages under /w/<ws>/outreach/."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from clientela.web import nav
from clientela.web.views import outreach as v

urlpatterns = [
    path("outreach/", v.outreach_home, name="outreach"),
    path("outreach/settings/", v.outreach_settings, name="outreach_settings"),
    path("outreach/templates/", v.template_list, name="outreach_templates"),
    path("outreach/templates/new/", v.template_new, name="outreach_template_new"),
    path("outreach/templates/<int:pk>/", v.template_edit, name="outreach_template"),
    path(
        "outreach/templates/<int:pk>/preview/",
        v.template_preview_page,
        name="outreach_template_preview",
    ),
    path("outreach/templates/<int:pk>/test/", v.template_test, name="outreach_template_test"),
    path("outreach/campaigns/", v.campaign_list, name="outreach_campaigns"),
    path("outreach/campaigns/new/", v.campaign_new, name="outreach_campaign_new"),
    path("outreach/campaigns/<int:pk>/", v.campaign_detail, name="outreach_campaign"),
    path("outreach/campaigns/<int:pk>/edit/", v.campaign_edit, name="outreach_campaign_edit"),
    path("outreach/campaigns/<int:pk>/action/", v.campaign_action, name="outreach_campaign_action"),
    path("outreach/campaigns/<int:pk>/test/", v.campaign_test, name="outreach_campaign_test"),
    path("outreach/campaigns/<int:pk>/pdf/", v.campaign_pdf, name="outreach_campaign_pdf"),
    path("outreach/letters/", v.letter_list, name="outreach_letters"),
    path("outreach/letters/pdf/", v.letters_pdf, name="outreach_letters_pdf"),
    path("outreach/letters/<int:pk>/done/", v.letter_done, name="outreach_letter_done"),
    path("outreach/lists/", v.list_index, name="outreach_lists"),
    path("outreach/lists/new/", v.list_new, name="outreach_list_new"),
    path("outreach/lists/<int:pk>/", v.list_detail, name="outreach_list"),
]

_ENTRIES = [
    nav.NavEntry(_("Outreach"), "web:outreach"),
    nav.NavEntry(_("Campaigns"), "web:outreach_campaigns"),
    nav.NavEntry(_("Letters"), "web:outreach_letters"),
]
# The URLconf is imported once per process; the guard keeps the menu right if it is reloaded.
nav.NAV.extend(e for e in _ENTRIES if e.url_name not in {n.url_name for n in nav.NAV})
