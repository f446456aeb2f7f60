/** Active health checks (TCP, HTTP/HTTPS, TLS, DNS, ICMP, UDP), their timings and the rise/fall verdict. */
package io.fulcrum.health.check;
