package to.clasp.server.inspector;

/**
 * Who may see what through the inspector's JSON endpoint. The page itself is a CLASP client, so the params it shows
 * are already limited by the router to what its token may read; this decides the JSON data (sessions, rates, busiest
 * addresses), from the {@code Authorization: Bearer TOKEN} header of each request.
 */
public interface InspectorAccess
{
    /** Open mode: no token needed, everything visible. */
    InspectorAccess OPEN = new InspectorAccess()
    {
        public boolean tokenRequired()
        {
            return false;
        }

        public View check(final String token)
        {
            return View.EVERYTHING;
        }
    };

    /** @return whether the router asks for a token (the page then prompts for one). */
    boolean tokenRequired();

    /**
     * @param token the bearer token, or null when the request carried none.
     * @return what the token may see, or null when it is missing, unknown or expired (HTTP 401).
     */
    View check(String token);

    /**
     * {@link #check}, for callers on an I/O thread: implementations whose check can be slow (a signature to verify)
     * answer later, from another thread.
     */
    default java.util.concurrent.CompletionStage<View> checkAsync(final String token)
    {
        return java.util.concurrent.CompletableFuture.completedFuture(check(token));
    }

    /** What one token may see. */
    interface View
    {
        View EVERYTHING = new View()
        {
            public boolean seesSessions()
            {
                return true;
            }

            public boolean canRead(final String address)
            {
                return true;
            }

            public java.util.List<String> readPatterns()
            {
                return java.util.List.of("/**");
            }
        };

        /** @return whether the sessions table (other clients' names and addresses) is shown: admin over everything. */
        boolean seesSessions();

        /** @return whether an address may be named (a busiest-address row): read scope on it. */
        boolean canRead(String address);

        /** @return the patterns the token may read (subscribe to), e.g. {@code ["/sensors/**"]}. */
        java.util.List<String> readPatterns();
    }
}
