"""Pure image code: no Django views or models here."""
