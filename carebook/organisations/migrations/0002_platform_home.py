"""Replace Wagtail's welcome page with the platform home, and point the default site at it."""

from django.db import migrations


def create_platform_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    PlatformHomePage = apps.get_model("organisations.PlatformHomePage")

    root = Page.objects.filter(depth=1).first()
    if root is None or PlatformHomePage.objects.exists():
        return
    page_type = ContentType.objects.get_for_model(Page)
    welcome = Page.objects.filter(depth=2, content_type=page_type, numchild=0).first()
    path = welcome.path if welcome else None
    if welcome is not None:
        Site.objects.filter(root_page=welcome).delete()
        welcome.delete()
    if path is None:
        last = Page.objects.filter(depth=2).order_by("-path").first()
        path = root.path + (f"{int(last.path[-4:], 36) + 1:04d}" if last else "0001")
    home_type, _ = ContentType.objects.get_or_create(
        app_label="organisations", model="platformhomepage"
    )
    locale = Locale.objects.first()
    home = PlatformHomePage.objects.create(
        title="Carebook",
        draft_title="Carebook",
        slug="carebook-home",
        content_type=home_type,
        path=path,
        depth=2,
        numchild=0,
        url_path="/carebook-home/",
        live=True,
        locale=locale,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Carebook"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(create_platform_home, migrations.RunPython.noop)]
