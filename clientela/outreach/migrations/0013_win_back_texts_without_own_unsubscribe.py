"""The built-in win-back texts ended with their own unsubscribe line, besides the one the
mail layout's footer adds: a win-back carried two. Stored copies still equal to that old
default lose the line; a text the shop wrote itself is left as it is."""

from django.db import migrations

_LINE = "\n\n--\n{{ shop.name }}\n{{ unsubscribe_url }}\n"
OLD = {
    "ro": "Dragă {{ customer.first_name|default:customer.display_name }},\n\nA trecut ceva timp de la ultima vizită la {{ shop.name }}. Dacă ceva nu a fost pe placul dumneavoastră, spuneți-ne: răspundeți la acest mesaj.\n\nVă așteptăm cu drag,\n{{ shop.name }}"
    + _LINE,
    "en": "Dear {{ customer.first_name|default:customer.display_name }},\n\nIt has been a while since your last visit to {{ shop.name }}. If something was not right, tell us: just reply to this message.\n\nWe hope to see you soon,\n{{ shop.name }}"
    + _LINE,
}


def forwards(apps, schema_editor):
    MessageTemplate = apps.get_model("outreach", "MessageTemplate")
    for language, text in OLD.items():
        MessageTemplate.objects.filter(
            purpose="win_back", language=language, body_text=text
        ).update(body_text=text.removesuffix(_LINE))


def backwards(apps, schema_editor):
    MessageTemplate = apps.get_model("outreach", "MessageTemplate")
    for language, text in OLD.items():
        MessageTemplate.objects.filter(
            purpose="win_back", language=language, body_text=text.removesuffix(_LINE)
        ).update(body_text=text)


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0012_letter_template_purpose"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
