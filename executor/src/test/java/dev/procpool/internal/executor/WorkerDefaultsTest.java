package dev.procpool.internal.executor;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class WorkerDefaultsTest {
    private static final List<String> JOBLIB_VARIABLES = List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMBA_NUM_THREADS",
            "TBB_NUM_THREADS");

    @Test
    void limitThreads_setsEveryNativeThreadVariable_toTheProcessorsPerWorker() {
        Map<String, String> expected = new LinkedHashMap<>();
        JOBLIB_VARIABLES.forEach(name -> expected.put(name, "3"));
        assertEquals(expected, WorkerDefaults.environment(Map.of(), true, 3, name -> null));
    }

    @Test
    void limitThreads_leavesVariablesTheUserOrTheParentSet() {
        Map<String, String> environment = WorkerDefaults.environment(Map.of("NUMBA_NUM_THREADS", "8"), true, 2,
                name -> name.equals("TBB_NUM_THREADS") ? "5" : null);
        assertEquals("8", environment.get("NUMBA_NUM_THREADS"));
        assertFalse(environment.containsKey("TBB_NUM_THREADS"), "the worker inherits the parent's 5");
        assertEquals("2", environment.get("OMP_NUM_THREADS"));
    }

    @Test
    void noLimit_passesOnlyTheUsersVariables() {
        assertEquals(Map.of("A", "1"), WorkerDefaults.environment(Map.of("A", "1"), false, 2, name -> null));
    }
}
