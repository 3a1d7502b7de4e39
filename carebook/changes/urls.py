from django.urls import re_path

from . import views

app_name = "changes"

urlpatterns = [
    re_path(r"^(?P<path>(?:[-\w]+/){1,2})feed\.atom$", views.feed_at_path, name="feed"),
]
