"""Outreach pages under /w/<ws>/outreach/ (the public pages are in `public_urls`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from clientela.web import nav
from clientela.web.outreach.views import (
    automation_texts,
    automations,
    campaign_content,
    campaigns,
    letters,
    lists,
)
from clientela.web.outreach.views import message_templates as templates

urlpatterns = [
    path("outreach/", automations.outreach_home, name="outreach"),
    path("outreach/settings/", automations.outreach_settings, name="outreach_settings"),
    path(
        "outreach/automations/<str:purpose>/<str:language>/",
        automation_texts.automation_text,
        name="outreach_automation_text",
    ),
    path("outreach/templates/", templates.template_list, name="outreach_templates"),
    path("outreach/templates/new/", templates.template_new, name="outreach_template_new"),
    path("outreach/templates/<int:pk>/", templates.template_edit, name="outreach_template"),
    path(
        "outreach/templates/<int:pk>/preview/",
        templates.template_preview_page,
        name="outreach_template_preview",
    ),
    path(
        "outreach/templates/<int:pk>/test/",
        templates.template_test,
        name="outreach_template_test",
    ),
    path("outreach/campaigns/", campaigns.campaign_list, name="outreach_campaigns"),
    path("outreach/campaigns/new/", campaigns.campaign_new, name="outreach_campaign_new"),
    path("outreach/campaigns/<int:pk>/", campaigns.campaign_detail, name="outreach_campaign"),
    path(
        "outreach/campaigns/<int:pk>/edit/",
        campaigns.campaign_edit,
        name="outreach_campaign_edit",
    ),
    path(
        "outreach/campaigns/<int:pk>/action/",
        campaigns.campaign_action,
        name="outreach_campaign_action",
    ),
    path(
        "outreach/campaigns/<int:pk>/confirm/",
        campaigns.campaign_confirm,
        name="outreach_campaign_confirm",
    ),
    path(
        "outreach/campaigns/<int:pk>/progress/",
        campaigns.campaign_progress,
        name="outreach_campaign_progress",
    ),
    path(
        "outreach/campaigns/<int:pk>/test/",
        campaigns.campaign_test,
        name="outreach_campaign_test",
    ),
    path(
        "outreach/campaigns/<int:pk>/content/<str:language>/",
        campaign_content.campaign_content,
        name="outreach_campaign_content",
    ),
    path(
        "outreach/campaigns/<int:pk>/content/<str:language>/change/",
        campaign_content.campaign_content_change,
        name="outreach_campaign_content_change",
    ),
    path("outreach/campaigns/<int:pk>/pdf/", campaigns.campaign_pdf, name="outreach_campaign_pdf"),
    path("outreach/letters/", letters.letter_list, name="outreach_letters"),
    path("outreach/letters/pdf/", letters.letters_pdf, name="outreach_letters_pdf"),
    path("outreach/letters/<int:pk>/done/", letters.letter_done, name="outreach_letter_done"),
    path("outreach/lists/", lists.list_index, name="outreach_lists"),
    path("outreach/lists/new/", lists.list_new, name="outreach_list_new"),
    path("outreach/lists/<int:pk>/", lists.list_detail, name="outreach_list"),
]

_ENTRIES = [
    nav.NavEntry(_("Outreach"), "web:outreach"),
    nav.NavEntry(_("Campaigns"), "web:outreach_campaigns"),
    nav.NavEntry(_("Letters"), "web:outreach_letters"),
]
# The URLconf is imported once per process; the guard keeps the menu right if it is reloaded.
nav.NAV.extend(e for e in _ENTRIES if e.url_name not in {n.url_name for n in nav.NAV})
