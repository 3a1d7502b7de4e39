from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("frameworks/", views.framework_list, name="framework-list"),
    path("frameworks/<slug:ref>/", views.framework_detail, name="framework"),
]
