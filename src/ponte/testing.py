"""Expected answers of the permission matrices, shared by every app's tests."""

# Pages any staff member of the city may read; outsiders are refused, anonymous users sent to log in.
READ = {"admin": 200, "owner": 200, "editor": 200, "viewer": 200, "outsider": 403, "anonymous": 302}
# Pages only administrators and plan owners may use.
EDIT = {"admin": 200, "owner": 200, "editor": 403, "viewer": 403, "outsider": 403, "anonymous": 302}
