from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carebook.accounts"
    label = "accounts"
    verbose_name = "Accounts"
