// Collects assertion failures that need not stop a scenario (e.g. a wrong wording), so one run reports every
// deviation of a flow instead of only the first; the scenario still fails at the end if any was collected.
export function softAssertions() {
  const failures = [];
  const soft = async check => {
    try {
      await check();
    } catch (error) {
      failures.push(error.message);
    }
  };
  soft.failures = failures;
  soft.throwIfAny = () => {
    if (failures.length > 0) {
      throw new Error(`${failures.length} check(s) failed along the way:\n- ${failures.join('\n- ')}`);
    }
  };
  return soft;
}
