from django.db import migrations


def forget_unkeyed_entries(apps, schema_editor):
    # Entries stored under the old unkeyed SHA-256 would never be found again under the HMAC keys, and their keys
    # are what let a database copy confirm a guessed prompt: the cache is dropped and refills as it is used.
    apps.get_model("llm", "LLMCacheEntry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("llm", "0001_initial")]

    operations = [migrations.RunPython(forget_unkeyed_entries, migrations.RunPython.noop)]
