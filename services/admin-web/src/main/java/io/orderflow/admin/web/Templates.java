package io.orderflow.admin.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/** The jte templates, compiled at build time (jte-maven-plugin) and rendered with named parameters. */
final class Templates {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine.render(template, params, out);
        return out.toString();
    }

    void page(Context ctx, String template, PageContext page, Object... namesAndValues) {
        Map<String, Object> params = params(namesAndValues);
        params.put("page", page);
        ctx.html(render(template, params));
    }

    void fragment(Context ctx, String template, Object... namesAndValues) {
        ctx.html(render(template, params(namesAndValues)));
    }

    private static Map<String, Object> params(Object... namesAndValues) {
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return params;
    }
}
