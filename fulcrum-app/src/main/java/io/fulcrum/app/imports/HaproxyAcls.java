package io.fulcrum.app.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns HAProxy ACLs and the conditions of {@code use_backend ... if ...} into Fulcrum route
 * matches: host ({@code hdr(host)}, {@code hdr_dom}, {@code hdr_end}...), path ({@code path},
 * {@code path_beg}, {@code path_end}, {@code path_reg}, {@code path_sub}), {@code method} and other
 * request headers. A condition becomes one match per alternative (its {@code ||} terms and
 * the values of its ACLs), which become one route each.
 */
final class HaproxyAcls {

    /** A limit on the routes one rule may expand to. */
    private static final int MAX_ALTERNATIVES = 64;

    /** Why the last translation failed. */
    private String problem;

    /** Why the last call returned null. */
    String problem() {
        return problem;
    }

    /**
     * The matches of a condition ({@code words} after {@code if}), one per alternative; null
     * when it cannot be said in Fulcrum's terms ({@link #problem()} says why).
     */
    List<MatchDraft> condition(HaproxyProxy p, List<String> words) {
        List<MatchDraft> result = new ArrayList<>();
        List<MatchDraft> term = List.of(MatchDraft.ANY);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            List<MatchDraft> acl;
            if (w.equals("||") || w.equalsIgnoreCase("or")) {
                result.addAll(term);
                term = List.of(MatchDraft.ANY);
                continue;
            } else if (w.startsWith("!")) {
                return fail("a negated ACL (" + w + (w.equals("!") ? " " + next(words, i) : "")
                        + ") has no Fulcrum route equivalent");
            } else if (w.equals("{")) {
                int close = words.indexOf("}");
                if (close < i) {
                    return fail("an anonymous ACL without its closing }");
                }
                acl = criterion(words.subList(i + 1, close));
                i = close;
            } else if (w.equals("TRUE")) {
                acl = List.of(MatchDraft.ANY);
            } else if (p.acls.containsKey(w)) {
                acl = named(p.acls.get(w));
            } else {
                return fail("no acl named " + w + " in this section");
            }
            if (acl == null) {
                return null;
            }
            term = and(term, acl);
            if (term == null) {
                return null;
            }
        }
        result.addAll(term);
        return result;
    }

    /** Every pair of alternatives of {@code a} and {@code b} that one route can hold. */
    private List<MatchDraft> and(List<MatchDraft> a, List<MatchDraft> b) {
        List<MatchDraft> out = new ArrayList<>();
        for (MatchDraft x : a) {
            for (MatchDraft y : b) {
                MatchDraft both = x.and(y);
                if (both == null) {
                    return fail("two conditions of one rule on the same field that one Fulcrum route cannot combine");
                }
                out.add(both);
            }
        }
        if (out.size() > MAX_ALTERNATIVES) {
            return fail("the rule expands to more than " + MAX_ALTERNATIVES + " routes");
        }
        return out;
    }

    /** The alternatives of a named ACL: each of its lines is one more alternative (HAProxy ORs them). */
    private List<MatchDraft> named(List<Directive> lines) {
        List<MatchDraft> out = new ArrayList<>();
        for (Directive d : lines) {
            List<MatchDraft> one = criterion(d.args().subList(1, d.args().size()));
            if (one == null) {
                problem = "acl " + d.arg(0) + " (" + d.at() + "): " + problem;
                return null;
            }
            out.addAll(one);
        }
        return out;
    }

    /** One criterion with its flags and values: {@code hdr(host) -i a.example b.example}. */
    List<MatchDraft> criterion(List<String> words) {
        if (words.isEmpty()) {
            return fail("an acl without a criterion");
        }
        String fetch = words.getFirst();
        String method = null;
        boolean ignoreCase = false;
        List<String> values = new ArrayList<>();
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (!values.isEmpty() || !w.startsWith("-")) {
                values.add(w);
            } else if (w.equals("-i")) {
                ignoreCase = true;
            } else if (w.equals("-m") && i + 1 < words.size()) {
                method = words.get(++i);
            } else if (w.equals("--")) {
                values.addAll(words.subList(i + 1, words.size()));
                break;
            } else {
                return fail("acl flag " + w + " (patterns from files, other matching options) has no Fulcrum equivalent");
            }
        }
        if (values.isEmpty()) {
            return fail("an acl without values (" + fetch + ") has no Fulcrum equivalent");
        }
        String sample = fetch;
        int underscore = fetch.indexOf('_');
        int paren = fetch.indexOf('(');
        if (underscore > 0 && (paren < 0 || underscore < paren)) {
            sample = fetch.substring(0, underscore) + (paren > 0 ? fetch.substring(paren) : "");
            method = method != null ? method : fetch.substring(underscore + 1, paren > 0 ? paren : fetch.length());
        }
        if (sample.startsWith("req.")) {
            sample = sample.substring(4);
        }
        method = method == null ? "str" : method;
        String header = header(sample);
        if (sample.equals("path")) {
            return path(method, ignoreCase, values);
        } else if (sample.equals("method") && method.equals("str")) {
            return List.of(MatchDraft.methods(values.stream().map(v -> v.toUpperCase(Locale.ROOT)).toList()));
        } else if (header != null && header.equalsIgnoreCase("host")) {
            return host(method, ignoreCase, values);
        } else if (header != null) {
            List<MatchDraft> out = new ArrayList<>();
            for (String v : values) {
                String regex = regex(method, v);
                if (regex == null) {
                    return fail("match method -m " + method + " has no Fulcrum equivalent");
                }
                out.add(MatchDraft.header(header, "~" + (ignoreCase ? "(?i)" : "") + regex));
            }
            return out;
        }
        return fail("the fetch " + fetch + " has no Fulcrum route equivalent (routes match host, path, method and headers)");
    }

    private List<MatchDraft> path(String method, boolean ignoreCase, List<String> values) {
        List<MatchDraft> out = new ArrayList<>();
        for (String v : values) {
            if (method.equals("beg") && !ignoreCase && v.startsWith("/")) {
                out.add(MatchDraft.prefix(v));
                continue;
            }
            String regex = regex(method, v);
            if (regex == null) {
                return fail("path match method -m " + method + " has no Fulcrum equivalent");
            }
            out.add(MatchDraft.regex((ignoreCase ? "(?i)" : "") + regex));
        }
        return out;
    }

    private List<MatchDraft> host(String method, boolean ignoreCase, List<String> values) {
        List<String> hosts = new ArrayList<>();
        List<MatchDraft> out = new ArrayList<>();
        for (String v : values) {
            String name = v.toLowerCase(Locale.ROOT);
            if (method.equals("str")) {
                hosts.add(withoutPort(name));
            } else if (method.equals("dom")) {
                hosts.add(name);
                hosts.add("*." + name);
            } else if (method.equals("end") && name.startsWith(".") && name.length() > 1) {
                hosts.add("*" + name);
            } else {
                String regex = regex(method, v);
                if (regex == null) {
                    return fail("host match method -m " + method + " has no Fulcrum equivalent");
                }
                // The Host header itself, as HAProxy matches it (with its port, if the client sent one).
                out.add(MatchDraft.header("Host", "~" + (ignoreCase ? "(?i)" : "") + regex));
            }
        }
        if (!hosts.isEmpty()) {
            out.addFirst(MatchDraft.hosts(hosts.stream().distinct().toList()));
        }
        return out;
    }

    /** The header a fetch reads ({@code hdr(x)}, {@code fhdr(x)}), or null. */
    private static String header(String sample) {
        for (String f : List.of("hdr(", "fhdr(")) {
            if (sample.startsWith(f) && sample.endsWith(")")) {
                String name = sample.substring(f.length(), sample.length() - 1);
                int comma = name.indexOf(',');
                return comma >= 0 ? name.substring(0, comma) : name;
            }
        }
        return null;
    }

    /** A whole-value Java regular expression for HAProxy's match method on {@code v}, or null. */
    private static String regex(String method, String v) {
        return switch (method) {
            case "str" -> Pattern.quote(v);
            case "beg" -> Pattern.quote(v) + ".*";
            case "end" -> ".*" + Pattern.quote(v);
            case "sub" -> ".*" + Pattern.quote(v) + ".*";
            // HAProxy searches; Fulcrum matches the whole value. ^ and $ inside keep their meaning.
            case "reg" -> ".*(?:" + v + ").*";
            default -> null;
        };
    }

    private static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > 0 && !host.endsWith("]") && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    private static String next(List<String> words, int i) {
        return i + 1 < words.size() ? words.get(i + 1) : "";
    }

    private <T> T fail(String why) {
        problem = why;
        return null;
    }
}
