from django.contrib.auth import views as auth_views

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True
    extra_context = {"sign_in_page": True}


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]
