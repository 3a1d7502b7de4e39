from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("<slug:org_slug>/brand.css", views.brand_css, name="brand-css"),
]
