/** {@code fulcrum ctl}: the command-line client of the admin API. */
package io.fulcrum.admin.cli;
