"""The row that records which built-in phrase list the PostgreSQL vectors carry lexemes for.

The lexemes themselves are written by search.services.sync_phrase_lexemes, which runs after
every migrate: on an existing database, the first migrate after this one adds them to every row.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_scoped_tables"),
    ]

    operations = [
        migrations.CreateModel(
            name="PhraseLexemes",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(blank=True, max_length=64)),
                ("synced_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name_plural": "phrase lexemes",
            },
        ),
    ]
