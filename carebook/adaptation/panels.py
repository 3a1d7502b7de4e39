"""The editor's view of a derived procedure's national text: pin, pending change, flags."""

from wagtail.admin.panels import Panel


class NationalStatusPanel(Panel):
    """Read-only: which national version is shown, what is waiting, which local content to check."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "adaptation/admin/national_status_panel.html"

        def is_shown(self):
            return bool(getattr(self.instance, "derived_from_id", None))

        def get_context_data(self, parent_context=None):
            from carebook.manuals.selectors import latest_version

            from .selectors import amendments_with_flags, current_pin

            context = super().get_context_data(parent_context)
            procedure = self.instance
            pin = current_pin(procedure)
            version = latest_version(procedure) if procedure.pk else None
            flagged = []
            if version is not None and version.national_version_id:
                flagged = [
                    amendment
                    for amendment in amendments_with_flags(
                        version.local_amendments, version.national_version
                    )
                    if amendment["flags"]
                ]
            context.update(
                procedure=procedure,
                pin=pin,
                pending=getattr(self.form, "pending_change", None),
                offered=pin is None,
                flagged=flagged,
            )
            return context
