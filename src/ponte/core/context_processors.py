from . import permissions


def ponte(request):
    """The current city and the user's role in it, for every template."""
    city = getattr(request, "city", None)
    if city is None:
        return {}
    user = request.user
    return {
        "city": city,
        "user_role": permissions.role(user, city),
        "can_manage_plan": permissions.can_manage_plan(user, city),
        # One flag per chapter: templates show a chapter's edit links to the roles that do its work.
        **{f"can_manage_{chapter}": check(user, city) for chapter, check in permissions.CHAPTER_CHECKS.items()},
        "can_manage_users": permissions.can_manage_users(user, city),
    }
