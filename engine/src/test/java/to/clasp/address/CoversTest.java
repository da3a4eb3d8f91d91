package to.clasp.address;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CoversTest
{
    @ParameterizedTest(name = "{0} covers {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // router-behaviour §6: read:/a/* must not allow /a/**.
        "/a/*       | /a/**       | false",
        "/a/**      | /a/*        | true",
        "/a/**      | /a/b        | true",
        "/a/**      | /a/**/c     | true",
        "/a/**      | /a          | true",
        "/a/**      | /a/b/c      | true",
        "/a/**      | /a/         | true",
        "/a/**      | /b          | false",
        "/a/**      | /**         | false",
        "/a/**      | /ab/**      | false",
        "/**        | /           | true",
        "/**        | /a/         | true",
        "/**        | /a/*        | true",
        "/**        | /**         | true",
        "/**        | /x*         | true",
        "/**        | /a/**/b/*   | true",
        "/**/**     | /**         | true",
        "/**        | /**/**      | true",
        "/a/*       | /a/b        | true",
        "/a/*       | /a/b*       | true",
        "/a/*       | /a/*        | true",
        "/a/*       | /a/b/c      | false",
        "/a/*       | /a/***      | false",   // '***' can match an empty segment, '*' cannot
        "/a/*       | /a/         | false",
        "/a/*       | /a          | false",
        "/a/b*      | /a/bc       | true",
        "/a/b*      | /a/b        | true",
        "/a/b*      | /a/b*c      | true",
        "/a/b*      | /a/bb*      | true",
        "/a/b*      | /a/*        | false",
        "/a/b*      | /a/c*       | false",
        "/a/b*      | /a/*b       | false",
        "/a/*b*     | /a/xbx      | true",
        "/a/*b*     | /a/b*       | true",
        "/a/***     | /a/*        | true",
        "/a/***     | /a/         | true",
        "/a/b       | /a/b        | true",
        "/a/b       | /a/*        | false",
        "/a/b       | /a/b*       | false",
        "/a/b       | /a/bc       | false",
        "/a/        | /a/         | true",
        "/a/        | /a          | false",
        "/**/c      | /a/**/c     | true",
        "/**/c      | /a/c        | true",
        "/**/c      | /c          | true",
        "/**/c      | /a/**       | false",
        "/a/**/b    | /a/x/b      | true",
        "/a/**/b    | /a/**/x/b   | true",
        "/a/**/b    | /a/b        | true",
        "/a/**/b    | /a/**       | false",
        "/a/**/b    | /a/**/b/c   | false",
        "/*/**      | /a/**       | true",
        "/*/**      | /**/x       | false",   // conservative: '**' could produce an empty first segment
        "/*/*       | /*/**       | false",
        "/?         | /a          | false",
        "/?         | /?          | true",
    })
    void examples(final String granted, final String requested, final boolean expected)
    {
        assertEquals(expected, Pattern.covers(Pattern.compile(granted), Pattern.compile(requested)));
    }
}
