"""Signing in to the demo data's logins in a browser tab."""

from carebook.core.demo import DEMO_PASSWORD


def sign_in(page, base_url: str, email: str, next_url: str = "") -> None:
    page.goto(f"{base_url}/account/sign-in/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
