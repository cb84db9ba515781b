package io.orderflow.admin.web;

import io.orderflow.admin.auth.StaffUser;

/** What every page's frame needs: its title, who is signed in (null on the login page) and their CSRF token. */
public record PageContext(String title, StaffUser user, String csrf) {
    public boolean admin() {
        return user != null && user.isAdmin();
    }
}
