"""Admin pages for national and local content.

- "National and local content": for each manual the user edits that follows a base manual,
  the national changes waiting for review and the local content to check; for a publisher's
  editors, who follows their manuals and who is behind.
- "Follow a national base manual": organisation administrators subscribe one of their manuals.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from carebook.accounts.models import Membership
from carebook.manuals.models import Chapter, Manual, Procedure
from carebook.manuals.selectors import organisation_of
from carebook.organisations.models import NationalUpdates, Organisation
from carebook.organisations.selectors import editable_organisation_homes

from .models import Subscription
from .selectors import flagged_amendments, pending_change, subscribers_of
from .services import subscribe


def _editable_manuals(user) -> list[Manual]:
    """Manuals of the organisations the user edits or administers."""
    homes = {home.pk: home for home in editable_organisation_homes(user=user)}
    for organisation in _admin_organisations(user):
        home = getattr(organisation, "home_page", None)
        if home is not None:
            homes.setdefault(home.pk, home)
    manuals: list[Manual] = []
    for home in sorted(homes.values(), key=lambda page: page.path):
        manuals.extend(Manual.objects.child_of(home).order_by("title"))
    return manuals


class NationalUpdatesForm(forms.Form):
    organisation = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    national_updates = forms.ChoiceField(
        label="When the publisher changes a procedure", choices=NationalUpdates.choices
    )


def overview(request):
    """What needs an editor's attention in the manuals they edit, and (for publishers) who
    follows their base manuals. Organisation administrators also choose here how national
    updates arrive."""
    administered = {org.pk: org for org in _admin_organisations(request.user)}
    if request.method == "POST":
        form = NationalUpdatesForm(request.POST)
        form.fields["organisation"].choices = [(pk, pk) for pk in administered]
        if not form.is_valid():
            raise PermissionDenied("You cannot change this organisation's settings.")
        organisation = administered[form.cleaned_data["organisation"]]
        organisation.national_updates = form.cleaned_data["national_updates"]
        organisation.save(update_fields=["national_updates"])
        from django.contrib import messages

        messages.success(
            request,
            f"{organisation.name}: {organisation.get_national_updates_display().lower()}.",
        )
        return redirect(reverse("carebook_national_overview"))
    followed, published = [], []
    for manual in _editable_manuals(request.user):
        organisation = organisation_of(manual)
        subscription = Subscription.objects.filter(manual=manual).select_related("base").first()
        if subscription is not None:
            derived = Procedure.objects.descendant_of(manual).filter(derived_from__isnull=False)
            pending = [p for p in (pending_change(procedure) for procedure in derived) if p]
            offered = [p for p in derived if not p.live and not p.versions.exists()]
            followed.append(
                {
                    "manual": manual,
                    "organisation": organisation,
                    "subscription": subscription,
                    "pending": sorted(pending, key=lambda item: item.since),
                    "offered": offered,
                    "flagged": flagged_amendments(manual),
                    "settings_form": NationalUpdatesForm(
                        initial={
                            "organisation": organisation.pk,
                            "national_updates": organisation.national_updates,
                        }
                    )
                    if organisation.pk in administered
                    else None,
                }
            )
        elif organisation.is_publisher:
            published.append({"manual": manual, "subscribers": subscribers_of(manual)})
    return TemplateResponse(
        request,
        "adaptation/admin/overview.html",
        {
            "followed": followed,
            "published": published,
            "can_subscribe": bool(_subscribable_manuals(request.user)),
        },
    )


def _admin_organisations(user) -> list[Organisation]:
    if user.is_superuser:
        return list(Organisation.objects.all())
    return list(
        Organisation.objects.filter(memberships__user=user, memberships__role="orgadmin").distinct()
    )


def _subscribable_manuals(user) -> list[Manual]:
    manuals = []
    for organisation in _admin_organisations(user):
        if organisation.is_publisher or not hasattr(organisation, "home_page"):
            continue
        manuals.extend(
            Manual.objects.child_of(organisation.home_page)
            .filter(subscription__isnull=True)
            .order_by("title")
        )
    return manuals


def _base_manuals() -> list[Manual]:
    bases = []
    for organisation in Organisation.objects.filter(kind="publisher"):
        bases.extend(
            Manual.objects.live()
            .child_of(organisation.home_page)
            .filter(subscription__isnull=True)
            .order_by("title")
        )
    return bases


class SubscribeForm(forms.Form):
    manual = forms.TypedChoiceField(
        label="Your manual", coerce=int, help_text="A manual of your organisation."
    )
    base = forms.TypedChoiceField(label="National base manual to follow", coerce=int)
    scope = forms.ChoiceField(
        label="What to follow",
        choices=[("whole", "The whole manual"), ("chapters", "Only the chapters ticked below")],
        widget=forms.RadioSelect,
        initial="whole",
    )
    chapters = forms.MultipleChoiceField(
        label="Chapters", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, manuals, bases, **kwargs):
        super().__init__(*args, **kwargs)
        self.manuals = {manual.pk: manual for manual in manuals}
        self.bases = {base.pk: base for base in bases}
        self.fields["manual"].choices = [
            (m.pk, f"{m.title} ({organisation_of(m).name})") for m in manuals
        ]
        self.fields["base"].choices = [
            (b.pk, f"{b.title} ({organisation_of(b).name})") for b in bases
        ]
        self.fields["chapters"].choices = [
            (chapter.pk, f"{chapter.title} ({base.title})")
            for base in bases
            for chapter in Chapter.objects.live().child_of(base).order_by("path")
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "chapters" and not cleaned.get("chapters"):
            self.add_error("chapters", "Tick at least one chapter, or follow the whole manual.")
        return cleaned


def subscribe_view(request):
    manuals = _subscribable_manuals(request.user)
    if not manuals and not request.user.is_superuser:
        raise PermissionDenied("Only organisation administrators can subscribe a manual.")
    bases = _base_manuals()
    form = SubscribeForm(request.POST or None, manuals=manuals, bases=bases)
    if request.method == "POST" and form.is_valid():
        manual = form.manuals[form.cleaned_data["manual"]]
        base = form.bases[form.cleaned_data["base"]]
        chapters = None
        if form.cleaned_data["scope"] == "chapters":
            chapters = list(Chapter.objects.filter(pk__in=form.cleaned_data["chapters"]))
        try:
            with transaction.atomic():
                subscribe(manual=manual, base=base, chapters=chapters, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            from django.contrib import messages

            messages.success(request, f"“{manual.title}” now follows “{base.title}”.")
            return redirect(reverse("carebook_national_overview"))
    return TemplateResponse(
        request,
        "adaptation/admin/subscribe.html",
        {"form": form, "has_manuals": bool(manuals)},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def is_member_editor(user) -> bool:
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, role__in=("editor", "approver", "orgadmin")
        ).exists()
    )
