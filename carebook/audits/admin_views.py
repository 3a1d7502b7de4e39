"""Framework upload in the Wagtail admin, for platform administrators (superusers) only.

The same loader and messages as `manage.py load_framework`; the file's size is checked before
it is read.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .framework_file import MAX_FILE_BYTES, FrameworkFileError, refuse, too_large_message
from .models import Framework
from .services import load_framework


class FrameworkUploadForm(forms.Form):
    framework_file = forms.FileField(
        label="Framework file",
        help_text="A YAML file in Carebook's framework format, at most 2 MB.",
        allow_empty_file=True,
    )
    check_only = forms.BooleanField(label="Only check the file: do not load it", required=False)


def frameworks_admin(request):
    if not request.user.is_superuser:
        raise PermissionDenied("Only platform administrators can load frameworks.")
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["framework_file"]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise refuse(too_large_message(upload.size))
            result = load_framework(
                data=upload.read(MAX_FILE_BYTES + 1),
                source_name=upload.name,
                user=request.user,
                check_only=form.cleaned_data["check_only"],
            )
        except FrameworkFileError as error:
            problems = error.problems
        else:
            messages.success(request, result.message)
            return redirect(reverse("carebook_frameworks_admin"))
    refused = request.method == "POST"
    return TemplateResponse(
        request,
        "audits/admin/frameworks.html",
        {
            "form": form,
            "problems": problems,
            "frameworks": Framework.objects.prefetch_related("versions").order_by("name"),
        },
        status=400 if refused else 200,
    )
