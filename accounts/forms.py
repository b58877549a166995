from allauth.account.forms import LoginForm
from django import forms

from .models import User


class ProfileForm(forms.ModelForm):
    # Longer than an iD so that a pasted https://orcid.org/… link reaches clean_orcid().
    orcid = forms.CharField(
        label="ORCID iD",
        required=False,
        max_length=60,
        help_text="Like 0000-0002-1825-0097; a pasted orcid.org link works too.",
        widget=forms.TextInput(attrs={"placeholder": "0000-0000-0000-0000"}),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "first_name",
            "last_name",
            "institution",
            "orcid",
            "training_level",
        ]
        labels = {"display_name": "Name shown on your cases and comments"}
        help_texts = {
            "display_name": "For example “Dr Ada Lovelace”. Left empty, your username is shown.",
            "institution": "Cases shared with your institution become visible to you.",
        }

    def clean_orcid(self) -> str:
        # People paste the full link; keep only the iD.
        value = self.cleaned_data["orcid"].strip().upper()
        return value.removeprefix("HTTPS://ORCID.ORG/").removeprefix("HTTP://ORCID.ORG/")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, e.g. “PACS export” or “teaching script on my laptop”.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=365,
        help_text="From 1 to 365 days. Left empty, the token works until you revoke it.",
    )


class LogInForm(LoginForm):
    """allauth's log-in form in the site's words, without placeholders that repeat the labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "E-mail or username"
        login.widget.attrs = {"autocomplete": "username", "autocapitalize": "none"}
        password = self.fields["password"]
        password.widget.attrs.pop("placeholder", None)
        # allauth puts the reset link here; the page shows it as a link of its own.
        password.help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Remember me"
