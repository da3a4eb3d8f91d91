package to.clasp.transport.ws;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Production processes turn Netty's sampling leak detector off, unless the operator asked for a level. */
final class NettyLeakDetectionTest
{
    private static final String PROPERTY = "io.netty.leakDetection.level";

    @Test
    void offByDefaultAndLeftAloneWhenAskedFor()
    {
        final ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        final String property = System.getProperty(PROPERTY);
        try
        {
            System.clearProperty(PROPERTY);
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
            NettyLeakDetection.disableUnlessAsked();
            assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());

            System.setProperty(PROPERTY, "paranoid");
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            NettyLeakDetection.disableUnlessAsked();
            assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(), "the operator's level");
        }
        finally
        {
            if (property == null)
            {
                System.clearProperty(PROPERTY);
            }
            else
            {
                System.setProperty(PROPERTY, property);
            }
            ResourceLeakDetector.setLevel(before);
        }
    }
}
