from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("<slug:org_slug>/search/", views.organisation_search, name="organisation"),
    path("<slug:org_slug>/<slug:manual_slug>/search/", views.manual_search, name="manual"),
]
