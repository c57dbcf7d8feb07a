package io.deadunit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StartupTest {

    @Test
    void threadsFallIntoTheirGroupsAsProcShowsThem() {
        Fork.Outcome run = new Fork.Outcome();
        run.lines.add(Fork.parse("first sinceJvmStartMs=2900 sinceLaunchMs=3000 processCpuMs=5360"));
        run.lines.add(Fork.parse("threadCpuMs C1_CompilerThre=900 C2_CompilerThre=1450 G1_Conc##=80 GC_Thread##=30 "
                + "VM_Thread=10 VM_Periodic_Tas=20 deadunit-export=270 deadunit-http-a=0 java=1870 "
                + "ended_threads=730"));
        double[] s = Startup.sample(run);
        // wall, CPU, main, agent threads, ended threads, C1, C2, GC, other JVM
        assertThat(s).containsExactly(3000, 5360, 1870, 270, 730, 900, 1450, 120, 20);
    }

    @Test
    void addedIsTheMedianOfPairedDifferencesToNone() {
        Map<String, Map<String, List<double[]>>> samples = new LinkedHashMap<>();
        Map<String, List<double[]>> mlp = new LinkedHashMap<>();
        mlp.put("none", List.of(row(1000, 2000), row(1400, 2400), row(1200, 2200)));
        mlp.put("agent", List.of(row(1300, 3000), row(1900, 3300), row(1500, 3300)));
        samples.put("mlp", mlp);
        String report = Startup.report(samples, List.of("none", "agent"), 3, "port=0");
        // paired differences: wall 0.3, 0.5, 0.3 s -> 0.3 s; CPU 1.0, 0.9, 1.1 s -> 1.0 s
        assertThat(report).contains("| mlp | none | 1.20 s |  | 2.20 s |  |")
                .contains("| mlp | agent | 1.50 s | +0.30 s | 3.30 s | +1.00 s |");
    }

    private static double[] row(double wall, double cpu) {
        double[] s = new double[2 + Startup.GROUPS.length];
        s[0] = wall;
        s[1] = cpu;
        s[2] = cpu;
        return s;
    }
}
