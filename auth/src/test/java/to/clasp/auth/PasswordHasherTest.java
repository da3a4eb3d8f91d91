package to.clasp.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest
{
    /**
     * Hashes made by the Argon2 reference implementation's CLI (Debian package {@code argon2}), the C code the
     * reference router's Rust crate is checked against:
     * {@code echo -n secure-password | argon2 clasp-test-salt1 -id -t 2 -k 19456 -p 1 -l 32 -e} and the README's
     * {@code echo -n password | argon2 somesalt -i -t 2 -m 16 -p 4 -l 24 -e}.
     */
    @Test
    void verifiesHashesOfTheReferenceImplementation()
    {
        final String id = "$argon2id$v=19$m=19456,t=2,p=1$Y2xhc3AtdGVzdC1zYWx0MQ$3BFQK7nC6tm1N2fvKl5KGuWMbDv23U0VjcERvGWPKaY";
        assertTrue(PasswordHasher.verify("secure-password", id));
        assertFalse(PasswordHasher.verify("secure-passwore", id));
        final String i = "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
        assertTrue(PasswordHasher.verify("password", i));
        assertFalse(PasswordHasher.verify("Password", i));
    }

    @Test
    void newHashesAreArgon2idWithTheCrateDefaultsAndRandomSalt()
    {
        final String a = PasswordHasher.hash("hunter22");
        final String b = PasswordHasher.hash("hunter22");
        assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a);
        assertFalse(a.equals(b));
        assertTrue(PasswordHasher.verify("hunter22", a));
        assertFalse(PasswordHasher.verify("hunter23", a));
        assertFalse(a.contains("hunter22"));
    }

    @Test
    void malformedOrAbusiveHashesAreRefusedNotRun()
    {
        for (final String bad : new String[] {"", "plain", "$argon2id$v=19$m=19456,t=2,p=1$", "$bcrypt$v=19$m=8,t=1,p=1$AA$AA",
            "$argon2id$v=16$m=19456,t=2,p=1$Y2xhc3A$3BFQ", "$argon2id$v=19$m=99999999,t=2,p=1$Y2xhc3A$3BFQK7nC",
            "$argon2id$v=19$m=19456,t=2000,p=1$Y2xhc3A$3BFQK7nC", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!",
            "$argon2id$v=19$x=1,t=2,p=1$Y2xhc3A$3BFQK7nC"})
        {
            assertFalse(PasswordHasher.verify("x", bad), bad);
        }
    }
}
