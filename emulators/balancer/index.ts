/** A loopback round-robin HTTP load balancer, standing in for the one in front of ptbot's replicas. */
export {
  type Backend,
  type Balancer,
  type BalancerOptions,
  type Route,
  startBalancer,
} from "./round-robin-balancer.js";
