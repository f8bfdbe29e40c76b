"""Operation ids stay as first published: clients generate code from them.

Ninja derives an id from the module and the function serving the operation, so moving a
router would rename its operations; `clientela.api.openapi.keep_operation_ids` keeps them.
"""

from __future__ import annotations

from django.test import Client

# (method, path) -> operation id, without the common prefix "clientela_api_routers_".
PUBLISHED = {
    ("GET", "/customers"): "customers_customer_list",
    ("POST", "/customers"): "customers_customer_create_endpoint",
    ("GET", "/customers/export.csv"): "exports_customer_export",
    ("GET", "/customers/{customer_id}"): "customers_customer_read",
    ("PATCH", "/customers/{customer_id}"): "customers_customer_update_endpoint",
    ("DELETE", "/customers/{customer_id}"): "customers_customer_delete_endpoint",
    ("GET", "/customers/{customer_id}/timeline"): "customers_customer_timeline",
    ("GET", "/customers/{customer_id}/emails"): "customers_customer_email_list",
    ("POST", "/customers/{customer_id}/emails"): "customers_customer_email_add_endpoint",
    (
        "DELETE",
        "/customers/{customer_id}/emails/{email_id}",
    ): "customers_customer_email_remove_endpoint",
    (
        "POST",
        "/customers/{customer_id}/emails/{email_id}/primary",
    ): "customers_customer_email_primary_endpoint",
    ("GET", "/customers/{customer_id}/consents"): "customers_customer_consent_list",
    ("POST", "/customers/{customer_id}/consents"): "customers_customer_consent_grant_endpoint",
    (
        "POST",
        "/customers/{customer_id}/consents/{consent_id}/withdraw",
    ): "customers_customer_consent_withdraw_endpoint",
    ("GET", "/products"): "products_product_list",
    ("POST", "/products"): "products_product_create_endpoint",
    ("GET", "/products/{product_id}"): "products_product_read",
    ("PATCH", "/products/{product_id}"): "products_product_update_endpoint",
    ("DELETE", "/products/{product_id}"): "products_product_delete_endpoint",
    ("GET", "/orders"): "orders_order_list",
    ("POST", "/orders"): "orders_order_create_endpoint",
    ("GET", "/orders/export.csv"): "exports_order_export",
    ("GET", "/orders/{order_id}"): "orders_order_read",
    ("PATCH", "/orders/{order_id}"): "orders_order_update_endpoint",
    ("DELETE", "/orders/{order_id}"): "orders_order_delete_endpoint",
    ("POST", "/imports"): "imports_import_create",
    ("GET", "/imports/{import_id}"): "imports_import_read",
    ("POST", "/imports/{import_id}/retry"): "imports_import_retry",
    ("GET", "/outreach/automations"): "outreach_automations_read",
    ("PATCH", "/outreach/automations"): "outreach_automations_patch",
    ("GET", "/outreach/templates"): "outreach_template_list",
    ("POST", "/outreach/templates"): "outreach_template_create",
    ("PATCH", "/outreach/templates/{template_id}"): "outreach_template_update",
    ("POST", "/outreach/templates/{template_id}/test"): "outreach_template_test",
    ("GET", "/outreach/templates/{template_id}/preview"): "outreach_template_preview_endpoint",
    ("GET", "/outreach/campaigns"): "outreach_campaign_list",
    ("POST", "/outreach/campaigns"): "outreach_campaign_create",
    ("GET", "/outreach/campaigns/{campaign_id}"): "outreach_campaign_read",
    ("PATCH", "/outreach/campaigns/{campaign_id}"): "outreach_campaign_update",
    ("GET", "/outreach/campaigns/{campaign_id}/preview"): "outreach_campaign_preview",
    ("POST", "/outreach/campaigns/{campaign_id}/transitions"): "outreach_campaign_transition",
    ("POST", "/outreach/campaigns/{campaign_id}/test"): "outreach_campaign_test",
    ("GET", "/outreach/campaigns/{campaign_id}/audience"): "outreach_campaign_audience_read",
    ("GET", "/outreach/letters"): "outreach_letter_list",
    ("POST", "/outreach/letters/{letter_id}/done"): "outreach_letter_done",
    ("GET", "/outreach/lists"): "outreach_list_list",
    ("POST", "/outreach/lists"): "outreach_list_create",
    ("GET", "/outreach/lists/{list_id}/subscriptions"): "outreach_list_subscriptions",
    ("GET", "/outreach/campaigns/{campaign_id}/pdf"): "outreach_pdf_campaign_pdf",
    ("GET", "/outreach/letters/pdf"): "outreach_pdf_letters_pdf",
    ("GET", "/delivery"): "delivery_delivery_read",
    ("POST", "/delivery/pause"): "delivery_delivery_pause",
    ("POST", "/delivery/resume"): "delivery_delivery_resume",
    ("GET", "/delivery/outbox"): "delivery_outbox_list",
    ("GET", "/delivery/suppressions"): "delivery_suppression_list",
    ("GET", "/account/invitations"): "accounts_invitation_list",
    ("POST", "/account/invitations"): "accounts_invitation_create",
    ("POST", "/account/invitations/{invitation_id}/resend"): "accounts_invitation_resend",
    ("POST", "/account/invitations/{invitation_id}/revoke"): "accounts_invitation_revoke",
    ("POST", "/account/password"): "accounts_password_change",
    ("GET", "/retention/scores"): "retention_score_list",
    ("GET", "/retention/scores/{customer_id}"): "retention_score_read",
    ("GET", "/retention/segments"): "retention_segment_list",
    ("POST", "/retention/refresh"): "retention_refresh_start",
    ("GET", "/retention/runs/{run_id}"): "retention_run_read",
    ("GET", "/retention/settings"): "retention_settings_read",
    ("PATCH", "/retention/settings"): "retention_settings_patch",
    ("GET", "/privacy/customers/{customer_id}/data.zip"): "privacy_customer_data",
    ("POST", "/privacy/customers/{customer_id}/erase"): "privacy_customer_erase_endpoint",
    ("GET", "/privacy/settings"): "privacy_privacy_settings_read",
    ("PUT", "/privacy/settings"): "privacy_privacy_settings_write",
    ("GET", "/inbox/conversations"): "inbox_conversation_list",
    ("GET", "/inbox/conversations/{conversation_id}"): "inbox_conversation_read",
    ("POST", "/inbox/messages"): "inbox_message_create",
    ("POST", "/inbox/conversations/{conversation_id}/reply"): "inbox_conversation_reply_endpoint",
    ("POST", "/inbox/conversations/{conversation_id}/status"): "inbox_conversation_status_endpoint",
    ("PUT", "/inbox/conversations/{conversation_id}/customer"): "inbox_conversation_link_endpoint",
    (
        "DELETE",
        "/inbox/conversations/{conversation_id}/customer",
    ): "inbox_conversation_unlink_endpoint",
    ("GET", "/forwarding/aliases"): "forwarding_alias_list",
    ("POST", "/forwarding/aliases"): "forwarding_alias_grant_endpoint",
    ("POST", "/forwarding/aliases/{alias_id}/revoke"): "forwarding_alias_revoke_endpoint",
    ("GET", "/forwarding/settings"): "forwarding_forwarding_settings_read",
    ("PUT", "/forwarding/settings"): "forwarding_forwarding_settings_write",
    ("GET", "/care/cases"): "care_case_list",
    ("POST", "/care/cases"): "care_case_create",
    ("GET", "/care/cases/{case_id}"): "care_case_read",
    ("POST", "/care/cases/{case_id}/status"): "care_case_status",
    ("POST", "/care/cases/{case_id}/messages"): "care_case_message",
    ("PUT", "/care/cases/{case_id}/steps/{step}"): "care_case_step",
    ("POST", "/care/cases/{case_id}/review"): "care_case_review",
    ("POST", "/care/cases/{case_id}/handling"): "care_case_handling",
    ("GET", "/inbox/clock/waiting"): "inbox_clock_clock_waiting",
    ("GET", "/inbox/clock/response-times"): "inbox_clock_clock_response_times",
    ("GET", "/inbox/clock/settings"): "inbox_clock_clock_settings_read",
    ("PUT", "/inbox/clock/settings"): "inbox_clock_clock_settings_write",
    ("GET", "/inbox/clock/targets"): "inbox_clock_clock_targets",
    ("POST", "/inbox/clock/targets"): "inbox_clock_clock_target_put",
    ("DELETE", "/inbox/clock/targets/{target_id}"): "inbox_clock_clock_target_remove",
    ("GET", "/rewards/totals"): "rewards_totals",
    ("POST", "/rewards/certificates/check"): "rewards_certificate_check",
    ("POST", "/rewards/certificates/redeem"): "rewards_certificate_redeem_endpoint",
}


def test_every_operation_keeps_the_id_it_was_published_with(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    ids = {
        (method.upper(), path.removeprefix("/api/v1")): operation["operationId"]
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }
    assert ids == {key: f"clientela_api_routers_{name}" for key, name in PUBLISHED.items()}
