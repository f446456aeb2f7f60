/** Bearer tokens of the admin API and their read and admin roles. */
package io.fulcrum.admin.auth;
