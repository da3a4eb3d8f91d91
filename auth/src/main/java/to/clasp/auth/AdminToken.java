package to.clasp.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.security.Ed25519;
import to.clasp.security.Grant;
import to.clasp.security.IssuedTokens;
import to.clasp.security.ScopeSet;
import to.clasp.security.Secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * {@code --admin-token FILE}: an {@code admin:/**} token that never expires, read from FILE, or — when FILE does not
 * exist — generated ({@code cpsk_<uuid>}) and written to it, created with permissions 0600 (parent directories
 * created as needed), as the reference does.
 */
public final class AdminToken
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    private AdminToken()
    {
    }

    /**
     * Read or create the token and make it valid in {@code tokens}.
     *
     * @throws IOException when the file cannot be read or written, or is empty.
     */
    public static void install(final Path file, final IssuedTokens tokens) throws IOException
    {
        final String token;
        if (Files.exists(file))
        {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty())
            {
                throw new IOException("admin token file " + file + " is empty");
            }
            final Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ))
            {
                LOG.warn("admin token file {} is readable by others; chmod 600 it", file);
            }
            LOG.info("admin token loaded from {}", file);
        }
        else
        {
            token = Secrets.newCpskToken();
            final Path parent = file.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            Ed25519.writeSecretFile(file, token + "\n");
            LOG.info("admin token generated and written to {} (0600)", file);
        }
        tokens.put(Secrets.TokenDigest.of(token),
            new Grant(ScopeSet.parse("admin:/**"), Grant.NEVER, "admin", IssuedTokens.SOURCE));
    }
}
