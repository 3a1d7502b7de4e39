"""The receivers of Wagtail's publishing signals. They only call the publishing services.

Wagtail publishes outside our views (workflow approval, scheduled publishing, unpublishing from
the page tree), so these are the one place where every publish and withdrawal is seen.
"""

from contextlib import contextmanager

from wagtail.signals import page_published, page_unpublished

from .models import Procedure
from .services import publish_procedure_version, withdraw_procedure


def on_page_published(sender, instance, revision=None, **kwargs):
    if isinstance(instance, Procedure):
        publish_procedure_version(
            procedure=instance,
            revision=revision,
            user=getattr(revision, "user", None),
        )


def on_page_unpublished(sender, instance, **kwargs):
    if isinstance(instance, Procedure):
        withdraw_procedure(procedure=instance, user=kwargs.get("user"))


def connect() -> None:
    page_published.connect(on_page_published, dispatch_uid="carebook.publish_procedure")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="carebook.withdraw_procedure")


@contextmanager
def receivers_paused():
    """For loaders that publish history with past dates and call the services themselves."""
    page_published.disconnect(dispatch_uid="carebook.publish_procedure")
    page_unpublished.disconnect(dispatch_uid="carebook.withdraw_procedure")
    try:
        yield
    finally:
        connect()
